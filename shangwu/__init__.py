"""shangwu: 商务局工作平台."""
