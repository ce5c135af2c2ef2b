"""The delivery room's services, the only writers of deliveries: planning (`planning`),
starting and running (`running`), staff time (`time`), deletion at closure (`closure`). Each
change and its audit event in one transaction."""
