"""区役所サービス基準の遵守: the standards catalogue, self-checks, 遵守率 against targets."""
