// Command pprof-provider is terraform-provider-wix as main.go serves it,
// plus profiling, for `scripts/bench.sh profile`: it writes a CPU profile of
// the whole process life, and heap and mutex/block profiles at exit, to
// $BENCH_PPROF_DIR (one set per process, named by pid: Terraform starts
// the provider more than once per apply). Bench only, never released.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider"
)

func main() {
	dir := os.Getenv("BENCH_PPROF_DIR")
	if dir == "" {
		log.Fatal("BENCH_PPROF_DIR is not set")
	}
	prefix := filepath.Join(dir, fmt.Sprintf("wix-%d", os.Getpid()))
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(int(1e6)) // one sample per ms blocked
	cpu, err := os.Create(prefix + ".cpu.pprof")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}
	err = providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address: "registry.terraform.io/wix-terraform/wix",
	})
	pprof.StopCPUProfile()
	_ = cpu.Close()
	for _, name := range []string{"heap", "allocs", "mutex", "block"} {
		if f, ferr := os.Create(prefix + "." + name + ".pprof"); ferr == nil {
			_ = pprof.Lookup(name).WriteTo(f, 0)
			_ = f.Close()
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}
