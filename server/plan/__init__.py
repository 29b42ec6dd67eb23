"""The year's サービス向上計画: its texts, its 方針 and its items, drafted, published and read."""
