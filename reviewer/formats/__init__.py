"""Readers for the formats besides CloudFormation: each turns its files into the engine's one
model (``reviewer.engine.document.Document``: a template of typed resources whose computed
values are CloudFormation intrinsics, with every node marked with the file and lines it came
from), so that rules never branch on the format."""
