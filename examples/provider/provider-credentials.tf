# Credentials can also be set in the block, for example from variables that
# a secret store fills in. A value in the block wins over its env var.
variable "wix_app_id" {
  type = string
}

variable "wix_app_secret" {
  type      = string
  sensitive = true
}

variable "wix_instance_id" {
  type = string
}

provider "wix" {
  app_id      = var.wix_app_id
  app_secret  = var.wix_app_secret
  instance_id = var.wix_instance_id
}
