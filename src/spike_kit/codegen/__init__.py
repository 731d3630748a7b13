"""Making the `spike-api-client` package from the spec, and checking it has not drifted."""
