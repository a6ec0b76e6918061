"""Factories for a school's structure and people. They write in whatever schema the connection is in
(use them inside `in_school_a` or `schema_context`)."""

import datetime

import factory

from apps.academics import models
from tests.factories import UserFactory


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AcademicYear
        django_get_or_create = ("name",)

    name = "2026"
    starts_on = datetime.date(2026, 1, 12)
    ends_on = datetime.date(2026, 12, 4)
    is_current = True


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Term
        django_get_or_create = ("year", "number")

    year = factory.SubFactory(AcademicYearFactory)
    number = 1
    name = factory.LazyAttribute(lambda term: f"Term {term.number}")
    starts_on = datetime.date(2026, 1, 12)
    ends_on = datetime.date(2026, 6, 5)
    is_current = True


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SchoolClass
        django_get_or_create = ("level",)

    level = 1
    name = factory.LazyAttribute(lambda cls: f"Form {cls.level}")


class StreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Stream
        django_get_or_create = ("school_class", "name")

    school_class = factory.SubFactory(SchoolClassFactory)
    name = "A"


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subject
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.LazyAttribute(lambda subject: f"Subject {subject.code}")


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TeachingAssignment

    stream = factory.SubFactory(StreamFactory)
    subject = factory.SubFactory(SubjectFactory)
    teacher = factory.SubFactory(UserFactory, role="teacher")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Student

    admission_number = factory.Sequence(lambda n: f"T/{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    sex = factory.Iterator(["F", "M"])
    date_of_birth = datetime.date(2011, 3, 14)
    stream = factory.SubFactory(StreamFactory)
    admitted_on = datetime.date(2026, 1, 12)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Guardian

    user = factory.SubFactory(UserFactory, role="parent")
    phone = factory.Sequence(lambda n: f"+2557{n:08d}")


class StudentGuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StudentGuardian

    student = factory.SubFactory(StudentFactory)
    guardian = factory.SubFactory(GuardianFactory)
    relationship = "mother"
    is_primary = True
