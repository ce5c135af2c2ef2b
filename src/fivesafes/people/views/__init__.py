"""Pages of safe people; each calls a service and shows its refusal next to the field."""
