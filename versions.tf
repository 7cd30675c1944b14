terraform {
  # The floor the tests need: tests/*.tftest.hcl use mock_provider, new in Terraform 1.7.
  required_version = ">= 1.7.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }
}
