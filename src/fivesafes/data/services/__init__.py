"""The only code that writes the catalogue and the data basket: each change is one transaction
with its audit event in it (`catalogue.py`: imports; `basket.py`: a researcher's basket)."""
