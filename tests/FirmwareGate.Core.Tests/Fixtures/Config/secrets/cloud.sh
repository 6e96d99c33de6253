#!/bin/sh
# uploads logs
export AWS_ACCESS_KEY_ID=AKIA183C962460ADF46C
export AWS_SECRET_ACCESS_KEY="09eEe56650786a3434A8e8205f5D8cD4428e71/+"
aws s3 sync /var/log s3://example-bucket/
# the documented example pair
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
session: ASIA3428B402404C46DA
