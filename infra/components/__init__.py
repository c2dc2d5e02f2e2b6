"""One ComponentResource per capability; each is secure by default."""
