"""The 区役所サービス推進チーム: five working teams and the サービス推進部会, with members from every 課."""
