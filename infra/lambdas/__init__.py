"""Lambda function code the platform deploys (each function in its own folder, packaged as is)."""
