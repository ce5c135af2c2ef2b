"""Safe people: authorised institutions, researchers, agreements, certification and sanctions."""
