variable "london_critical_notifications_topic_arn" {}

variable "london_capacity_notifications_topic_arn" {}

variable "dublin_critical_notifications_topic_arn" {}

variable "dublin_capacity_notifications_topic_arn" {}

variable "route53_critical_notifications_topic_arn" {}

variable "create_slack_alert" {}

