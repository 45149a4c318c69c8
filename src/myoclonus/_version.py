"""The package version, in a leaf module so that any module can import it without importing the package."""

__all__ = ["__version__"]

__version__ = "0.1.0"
