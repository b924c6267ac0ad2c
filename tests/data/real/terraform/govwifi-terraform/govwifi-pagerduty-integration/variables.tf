variable "sns_topic_subscription_https_endpoint" {}
