variable "route53_zone_id" {
}

variable "critical_notifications_arn" {
}


