output "dublin_capacity_notifications_arn" {
  value = module.dublin_capacity_notifications.topic_arn
}
output "dublin_critical_notifications_arn" {
  value = module.dublin_critical_notifications.topic_arn
}

