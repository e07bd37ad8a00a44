package smoke

import (
	"io"
	"os"
	"testing"
)

// The first interrupt ends the steps only; the second ends the clean-up.
func TestUnit_interrupts(t *testing.T) {
	signals := make(chan os.Signal, 1)
	steps, cleanup, stop := Interrupts(signals, io.Discard)
	defer stop()
	signals <- os.Interrupt
	<-steps.Done()
	if cleanup.Err() != nil {
		t.Fatal("the first interrupt ended the clean-up too")
	}
	signals <- os.Interrupt
	<-cleanup.Done()
}
