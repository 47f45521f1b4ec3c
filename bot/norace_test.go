package bot

// raceEnabled reports whether the tests run under the race detector,
// which slows them several times; the load test reports it with its
// latencies.
var raceEnabled bool
