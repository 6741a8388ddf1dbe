"""demo package."""
from .core import answer
