package provider_test

import (
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }
