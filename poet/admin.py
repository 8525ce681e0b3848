from django.contrib import admin

from poet.models import (
    AuditEvent,
    Job,
    Membership,
    Organisation,
    OutcomeStatement,
    Partnership,
    StaffGroup,
    UserGroup,
    Wave,
)


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0


class StaffGroupInline(admin.TabularInline):
    model = StaffGroup
    extra = 0


class UserGroupInline(admin.TabularInline):
    model = UserGroup
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "minimum_group_size"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # k changes go through the partnership settings page, which records the reason.
    readonly_fields = ["minimum_group_size"]
    inlines = [OrganisationInline, StaffGroupInline, UserGroupInline, MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "partnership"]
    list_filter = ["kind", "partnership"]
    search_fields = ["name"]


@admin.register(StaffGroup, UserGroup)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["name"]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "status", "opens_on", "closes_on"]
    list_filter = ["status", "partnership"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["role", "partnership"]
    autocomplete_fields = ["user"]


@admin.register(OutcomeStatement)
class OutcomeStatementAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "source", "partnership"]
    list_filter = ["source", "partnership"]
    search_fields = ["code", "text"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target", "partnership"]
    list_filter = ["action", "partnership"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "progress", "partnership", "wave", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["created_at", "started_at", "finished_at"]
