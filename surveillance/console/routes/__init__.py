"""The console's routes, one router per area: signing in, signals and their verification, run reports, the JSON API."""
