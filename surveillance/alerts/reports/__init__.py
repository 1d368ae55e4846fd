"""The reports people read about the whole network: the night's run report (HTML, with the risk map) and the
weekly summary to the provincial office."""
