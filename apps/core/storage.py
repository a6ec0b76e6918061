"""Each school's files under MEDIA_ROOT/<schema>/ (django-tenants' storage), following MEDIA_ROOT when
it changes: django-tenants caches the folder and forgets it only when MULTITENANT_RELATIVE_MEDIA_ROOT
changes, so a changed MEDIA_ROOT (tests, a management command's override) would keep writing to the old one."""

from django_tenants.files.storage import TenantFileSystemStorage


class SchoolFileStorage(TenantFileSystemStorage):
    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)
