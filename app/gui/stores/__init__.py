"""The store manager: add, edit, remove stores and choose the default."""
