"""Coverage monitoring: facts by region and month, dashboards, DPRD reports, public figures."""
