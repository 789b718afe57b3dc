// Benchmarks live here; each prints its figures side by side with a direct baseline.
print("rotor-bench: no benchmarks yet")
