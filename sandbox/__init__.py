"""A simulated AWS account (moto) into which a stack of the Pulumi program is deployed offline.

``sandbox.api.start_sandbox`` deploys a stack into an in-process moto account for the audit;
``python -m sandbox serve`` deploys it into a moto server that other tools can be pointed at.
"""
