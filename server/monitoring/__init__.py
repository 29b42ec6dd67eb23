"""What an operator watches: a health check for the load balancer and Prometheus metrics."""
