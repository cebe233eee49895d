"""_norm"""
__all__ = []
