//go:build race

package bot

func init() { raceEnabled = true }
