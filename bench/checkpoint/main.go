// What the file backend pays for one resource each time it saves a checkpoint (after every step): the exported
// deployments given as arguments (`npm run bench -- --cli --export DIR`) are encoded as the backend encodes them
// (compact JSON, then an MD5 of the bytes), many times, and the best time per resource is printed next to the
// first file's. It isolates the part of the engine's cost that follows the state's shape (bytes and properties).
package main

import (
	"crypto/md5"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const (
	rounds    = 25
	encodings = 60
)

func load(file string) (*apitype.DeploymentV3, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var exported apitype.UntypedDeployment
	if err := json.Unmarshal(raw, &exported); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(exported.Deployment, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &d, nil
}

// One encoding's time per resource, in microseconds, and the encoded bytes per resource.
func encode(d *apitype.DeploymentV3) (float64, int) {
	start := time.Now()
	size := 0
	for i := 0; i < encodings; i++ {
		b, err := json.Marshal(d)
		if err != nil {
			panic(err)
		}
		md5.Sum(b)
		size = len(b)
	}
	n := len(d.Resources)
	return float64(time.Since(start).Microseconds()) / encodings / float64(n), size / n
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run . EXPORT.json... (the first is the reference)")
		os.Exit(2)
	}
	// One thread: the garbage collector's background work would otherwise add another core's noise.
	runtime.GOMAXPROCS(1)
	files := os.Args[1:]
	deployments := make([]*apitype.DeploymentV3, len(files))
	for i, f := range files {
		d, err := load(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		deployments[i] = d
	}
	best := make([]float64, len(files))
	sizes := make([]int, len(files))
	// Rounds interleave the files, so a busy moment of the machine does not favour one of them.
	for r := 0; r < rounds; r++ {
		for i, d := range deployments {
			us, size := encode(d)
			if r == 0 || us < best[i] {
				best[i] = us
			}
			sizes[i] = size
		}
	}
	fmt.Println("| deployment | bytes per resource | µs per resource per save | ratio |")
	fmt.Println("|---|---:|---:|---:|")
	for i, f := range files {
		fmt.Printf("| %s | %d | %.2f | %.2f |\n", f, sizes[i], best[i], best[i]/best[0])
	}
}
