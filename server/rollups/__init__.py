"""Roll-ups of the projections for the dashboard: which tallies exist (``tallies``), what one projected row
adds to them (``contributions``), keeping them in step as rows change (``tracking``) and rebuilding them
from the projections (``rebuild``)."""
