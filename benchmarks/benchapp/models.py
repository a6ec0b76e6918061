"""No models: the migrations alone are what the benchmark needs (the state they build is unused)."""
