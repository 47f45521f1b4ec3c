package main

// raceEnabled reports whether the tests run under the race detector,
// which slows embedding several times: the scale tests then stop at
// 1,000 answers and report their timings without judging them.
var raceEnabled bool
