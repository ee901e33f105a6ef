"""The platform's services. None imports another's code: they share only events (see
safecommunity/catalogue.py) and the backbone package `safecommunity`."""
