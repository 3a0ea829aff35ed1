from tests.support.redis import private_redis, redis_prefix, redis_url

__all__ = ["private_redis", "redis_prefix", "redis_url"]
