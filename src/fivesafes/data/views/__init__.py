"""Views of safe data: the public catalogue and the researcher's data basket."""
