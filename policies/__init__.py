"""The CI gate: the Pulumi program rendered offline, exported as a Terraform-plan JSON, judged by Checkov."""
