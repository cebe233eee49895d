"""_pool"""
__all__ = []
