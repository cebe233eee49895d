"""cv2's drawing functions on native kernels (cv/draw*.cpp)."""
__all__ = []
