"""_conv"""
__all__ = []
