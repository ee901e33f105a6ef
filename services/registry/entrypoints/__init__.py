"""The registry's entrypoints, one mix-in per area; service.py puts them together."""
from .housing import HousingEntrypoints
from .offices import OfficesEntrypoints
from .places import PlacesEntrypoints
from .residents import ResidentsEntrypoints
from .volunteers import VolunteersEntrypoints

__all__ = ["HousingEntrypoints", "OfficesEntrypoints", "PlacesEntrypoints", "ResidentsEntrypoints",
           "VolunteersEntrypoints"]
