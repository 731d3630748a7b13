"""Specs a contributor can write that are broken or unusual, each run through every tool.

`cases.py` holds each as an edit of the kit's own `openapi/spike.yaml` (so the corpus follows
the contract as it changes: an edit whose text is gone fails loudly) or as a whole file, with
what the loader must say about it and at which line.
"""
