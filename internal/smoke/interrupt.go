package smoke

import (
	"context"
	"fmt"
	"io"
	"os"
)

// Interrupts turns signals into the two contexts of Run. The first signal
// ends the steps: Terraform gets an interrupt, finishes or stops what it is
// doing and saves its state, and the clean-up starts. A second signal ends
// the clean-up too, which then says what it has not removed. stop releases
// the contexts once Run has returned.
func Interrupts(signals <-chan os.Signal, out io.Writer) (steps, cleanup context.Context, stop func()) {
	steps, cancelSteps := context.WithCancelCause(context.Background())
	cleanup, cancelCleanup := context.WithCancelCause(context.Background())
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case sig := <-signals:
				if n == 1 {
					fmt.Fprintf(out, "\nwixsmoke: %s: stopping the current step\n", sig)
					cancelSteps(fmt.Errorf("%s", sig))
					continue
				}
				fmt.Fprintf(out, "\nwixsmoke: %s again: stopping the clean-up\n", sig)
				cancelCleanup(fmt.Errorf("%s during the clean-up", sig))
				return
			}
		}
	}()
	return steps, cleanup, func() {
		close(done)
		cancelSteps(nil)
		cancelCleanup(nil)
	}
}
