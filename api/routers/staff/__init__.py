"""Staff review console: pages under /staff, JSON under /api/staff."""

from fastapi import APIRouter

from api.routers.staff import api, pages

router = APIRouter()
router.include_router(pages.router)
router.include_router(api.public)
router.include_router(api.router)
router.include_router(api.admin)
