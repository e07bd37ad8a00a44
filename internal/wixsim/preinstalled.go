package wixsim

// InstalledAppID is another app installed on the demo site, whose
// automations Query returns as Wix's does: "only returns automations
// created by apps installed on the site" [doc], every such app's.
const InstalledAppID = "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"

// SeedPreinstalled adds to a site what a real site holds beside the
// automations an app made itself, so that `make sim` and the demo meet
// what a first Query on Wix returns ("Returns both site-specific
// automations and preinstalled automations. When a preinstalled
// automation has been overridden on the site, the method returns the
// overridden automation" [doc]):
//   - a preinstalled automation of the demo app on its own trigger key,
//     overridden on the site and turned off there (so that it starts no
//     flow of the demo's events);
//   - a preinstalled automation of another installed app;
//   - an automation another installed app made (origin APPLICATION).
//
// It returns them as stored. Wix may give a preinstalled automation a new
// id when it is updated on a site [doc], which is why the retirement
// recipe filters origin = "APPLICATION".
func (s *Server) SeedPreinstalled(instanceID string) []Automation {
	seeds := []Automation{
		preinstalled("Thank new form submitters", DemoAppID, DemoTriggerKey, "INACTIVE", true),
		preinstalled("Notify the owner of new orders", InstalledAppID, "order_placed", "ACTIVE", false),
		{
			Name: "Tag paying customers", Origin: "APPLICATION",
			ApplicationInfo: map[string]any{"appId": InstalledAppID},
			Configuration:   seedConfiguration(InstalledAppID, "order_paid", "ACTIVE", "tag_contact"),
		},
	}
	out := make([]Automation, len(seeds))
	for i, a := range seeds {
		out[i] = s.CreateAutomationDirect(instanceID, a)
	}
	return out
}

func preinstalled(name, appID, key, status string, overridden bool) Automation {
	info := map[string]any{"appId": appID, "componentId": newGUID(), "componentVersion": 1}
	if overridden {
		info["override"] = true
	}
	return Automation{
		Name: name, Origin: "PREINSTALLED", PreinstalledInfo: info,
		Configuration: seedConfiguration(appID, key, status, "send_email"),
	}
}

// seedConfiguration is a trigger of appID and one app-defined action.
func seedConfiguration(appID, key, status, actionKey string) AutomationConfiguration {
	action := newGUID()
	return AutomationConfiguration{
		Status:        status,
		Trigger:       AutomationTrigger{AppID: appID, TriggerKey: key},
		RootActionIDs: []string{action},
		Actions: map[string]map[string]any{action: {
			"appDefinedInfo": map[string]any{"appId": appID, "actionKey": actionKey, "inputMapping": map[string]any{}},
		}},
	}
}
