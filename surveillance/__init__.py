"""Product-injury and quality-risk surveillance for Shaanxi province."""

__version__ = "0.1.0"
