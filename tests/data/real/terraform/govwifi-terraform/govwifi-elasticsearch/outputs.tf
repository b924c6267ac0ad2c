output "endpoint" {
  value = aws_elasticsearch_domain.govwifi_elasticsearch.endpoint
}
