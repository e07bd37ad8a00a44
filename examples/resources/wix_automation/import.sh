# Adopt an automation by its Wix id (Read then fills in every attribute).
terraform import wix_automation.follow_up 7d3c5a1e-2b4f-4c6d-8e9f-0a1b2c3d4e5f
